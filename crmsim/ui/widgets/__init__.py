"""Hand-drawn widgets for the shared screen: buttons, text, panels and the views built from them."""
