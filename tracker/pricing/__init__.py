"""Model prices: genai-prices' catalog plus the user's overrides."""
