package main

import (
	"log/slog"

	"github.com/placard/placard/internal/store"
)

// logOpenRewrite tells the operator what opening st rewrote of addresses
// stored by an earlier version (store.EmailForms.OpenRewrite), in counts
// only: never an address. Organiser accounts merged from two spellings
// of one address keep the weaker of their two roles (store.MergeRole), so
// the line says how many did and how to give a role back.
func logOpenRewrite(st store.Store, log *slog.Logger) {
	ef, ok := st.(store.EmailForms)
	if !ok {
		return
	}
	r := ef.OpenRewrite()
	if r == (store.RenormaliseResult{}) {
		return
	}
	log.Info("rewrote stored email addresses in their current form", "addresses", r.Addresses,
		"signatures", r.Signatures, "duplicates_deleted", r.Duplicates)
	if r.Merged == 0 {
		return
	}
	if r.RolesLowered > 0 {
		log.Warn("organiser accounts held under two spellings of one address were merged; where the two had different roles the weaker was kept. "+
			"'placard organisers list' shows each role; a site admin gives one back with 'placard organisers role ORG EMAIL --role editor'",
			"accounts_merged", r.Merged, "roles_lowered", r.RolesLowered)
		return
	}
	log.Info("organiser accounts held under two spellings of one address were merged, each keeping its role", "accounts_merged", r.Merged)
}
