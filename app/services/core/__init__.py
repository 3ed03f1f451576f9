"""What every domain needs: domain errors, the audit log, the e-mail outbox and the recipient
policy, accounts, language names and local-time periods."""
