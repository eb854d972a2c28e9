"""Full screens: the library (sidebar + grid), the viewer and the help screen."""
