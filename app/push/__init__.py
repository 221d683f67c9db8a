"""News without opening the app: Web Push to riders' devices and other delivery channels."""
