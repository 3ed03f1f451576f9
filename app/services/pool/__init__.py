"""The pool of mediators and institutions: records, qualification modules and documents,
recruiting, the mediators' self-service, and GDPR export, erasure and retention."""
