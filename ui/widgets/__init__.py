"""Small reusable widgets and delegates: chips, the navigation list, empty states."""
