"""The read-only kiosk (``phototerm kiosk``): its app, its screens and its slideshow."""
