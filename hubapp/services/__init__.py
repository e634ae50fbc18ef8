"""Use cases. Each public function is one transaction on a ``UnitOfWork`` and returns frozen
DTOs from ``hubapp.domain.dto``, never live ORM objects.

The UI calls these only from worker threads (``ui.tasks``).
"""
