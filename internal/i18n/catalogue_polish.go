package i18n

// The words of the pages that fail politely: a 404 under an organisation
// wears its frame and leads back to its campaigns.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"error.notfound.org": "See all campaigns by {org}",
		},
		"fr": {
			"error.notfound.org": "Voir toutes les campagnes de {org}",
		},
		"de": {
			"error.notfound.org": "Alle Kampagnen von {org} ansehen",
		},
		"es": {
			"error.notfound.org": "Ver todas las campañas de {org}",
		},
		"ar": {
			"error.notfound.org": "عرض كل حملات {org}",
		},
		"he": {
			"error.notfound.org": "לכל הקמפיינים של {org}",
		},
	})
}
