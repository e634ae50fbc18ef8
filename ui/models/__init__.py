"""Thin Qt item models over the service DTO rows (custom roles start at ``Qt.UserRole``)."""
