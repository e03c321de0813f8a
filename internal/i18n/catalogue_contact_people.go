package i18n

// A decision-maker's photo, party and postal address on a contact action
// (views/actions.templ and views/contact.templ, targetPhoto and
// targetParty), from the organisation's targets file.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"contact.target.photo":   "Photo of {name}",
			"contact.target.party":   "Party:",
			"contact.target.address": "Postal address:",
		},
		"fr": {
			"contact.target.photo":   "Photo de {name}",
			"contact.target.party":   "Parti :",
			"contact.target.address": "Adresse postale :",
		},
		"de": {
			"contact.target.photo":   "Foto von {name}",
			"contact.target.party":   "Partei:",
			"contact.target.address": "Postanschrift:",
		},
		"es": {
			"contact.target.photo":   "Foto de {name}",
			"contact.target.party":   "Partido:",
			"contact.target.address": "Dirección postal:",
		},
		"ar": {
			"contact.target.photo":   "صورة {name}",
			"contact.target.party":   "الحزب:",
			"contact.target.address": "العنوان البريدي:",
		},
		"he": {
			"contact.target.photo":   "תמונה של {name}",
			"contact.target.party":   "מפלגה:",
			"contact.target.address": "כתובת למשלוח דואר:",
		},
	})
}
