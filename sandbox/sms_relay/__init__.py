"""Alertmanager has no SMS receiver: this relay turns its webhook into a text
message sent through an SMS provider's API (a form POST in the style of common
SMS APIs), as a platform team would run beside Alertmanager."""
