"""The only widget package: main window, pages, charts, dialogs, workers."""
