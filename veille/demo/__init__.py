"""The offline demonstration: fictional French feeds and a watched page, served on loopback."""
