"""Phone numbers as shown to people who may not see them whole."""

# Fewer digits than this leave too little hidden once the ends are shown: all of it is masked.
SHOWN_ENDS_MIN_CHARS = 11


def mask_phone(phone: str) -> str:
    """13800000001 -> 138****0001; a shorter number (a landline) -> ****."""
    phone = phone.strip()
    if len(phone) < SHOWN_ENDS_MIN_CHARS:
        return "****"
    return f"{phone[:3]}****{phone[-4:]}"
