"""The domain: models, survey rules and the services that store responses and raise alerts."""
