"""The record of processing activities (UK GDPR Article 30): what asb holds, why, for how
long and with whom it is shared."""
