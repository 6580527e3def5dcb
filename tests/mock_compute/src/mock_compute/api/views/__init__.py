"""Views: render model objects per microversion."""
