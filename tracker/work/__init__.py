"""Tasks: the journal, git and tracker imports, and linking sessions to tasks."""
