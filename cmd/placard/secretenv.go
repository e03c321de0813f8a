package main

import "github.com/placard/placard/internal/campaign"

// secretEnvFlag adds --secret-env with PLACARD_SECRET_ENV: the environment
// variables, beyond each organisation's own PLACARD_ORG_<SLUG>__…, that an
// org.yaml may name as a webhook's secret or its OSDI API key.
func (f *cmdFlags) secretEnvFlag() *string {
	s := f.String("secret-env", "", "environment variable `names`, comma-separated, that any organisation's org.yaml may name as secret_env or api_key_env besides its own PLACARD_ORG_<SLUG>__… (such as a CRM secret several organisations share)")
	f.env("secret-env", "PLACARD_SECRET_ENV")
	return s
}

// loadOptions reads --secret-env into the loader's options, refusing a
// name that is not a variable's or is one of Placard's own settings.
func loadOptions(f *cmdFlags, s string) (campaign.LoadOptions, error) {
	names, err := campaign.ParseSecretEnv(s)
	if err != nil {
		return campaign.LoadOptions{}, usageErr(f.cmd, "%s: %v", f.source("secret-env"), err)
	}
	return campaign.LoadOptions{SecretEnv: names}, nil
}
