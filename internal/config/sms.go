package config

import "flag"

// SMSConfig configures the SMS provider and the outbox dispatcher.
type SMSConfig struct{}

// bindSMS registers the SMS flags.
func bindSMS(fs *flag.FlagSet, c *SMSConfig) {}
