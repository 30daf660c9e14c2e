"""Places: the shops and what belongs to them. Locations and their settings, staff, kiosk
tablets and their health, opening hours, branding, and the PIN that leaves kiosk mode."""
