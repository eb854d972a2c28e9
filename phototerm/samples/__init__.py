"""Sample libraries: the demo (demo, demo_plan, paint) and synthetic benchmark libraries
(synth, synthlib), with the EXIF writer they share (exifwrite). The library never imports
this package."""
