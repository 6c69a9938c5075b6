"""Media the admins upload (creators' images, posts' photos and videos, brand logo)."""
