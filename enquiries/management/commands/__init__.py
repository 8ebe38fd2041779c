"""``send_enquiry_mail`` and ``purge_enquiries``."""
