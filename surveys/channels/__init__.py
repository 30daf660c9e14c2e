"""Channels: how a survey reaches a customer. Signed receipt codes, poster links, the tills
that mint codes through the API, and the QR codes printed for them."""
