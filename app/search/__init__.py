"""Full-text search over the cases within a staff member's reach."""
