"""Knowledge shared by several rules (package managers, images...)."""
