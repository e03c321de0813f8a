package i18n

// The console dashboard's calls and emails to decision-makers
// (internal/console/outreach.go): per contact action, per target.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.outreach.export":    "{title}: calls and emails",
			"console.outreach.caption":   "Calls and emails to decision-makers: {action}",
			"console.outreach.target":    "Decision-maker",
			"console.outreach.staff":     "Spoke to staff",
			"console.outreach.voicemail": "Voicemail",
			"console.outreach.noanswer":  "No answer",
			"console.outreach.emails":    "Emails",
			"console.outreach.waiting":   "Waiting (hourly limit)",
		},
		"fr": {
			"console.outreach.export":    "{title} : appels et e-mails",
			"console.outreach.caption":   "Appels et e-mails aux décideurs : {action}",
			"console.outreach.target":    "Décideur",
			"console.outreach.staff":     "Parlé à l'équipe",
			"console.outreach.voicemail": "Messagerie vocale",
			"console.outreach.noanswer":  "Pas de réponse",
			"console.outreach.emails":    "E-mails",
			"console.outreach.waiting":   "En attente (limite horaire)",
		},
		"de": {
			"console.outreach.export":    "{title}: Anrufe und E-Mails",
			"console.outreach.caption":   "Anrufe und E-Mails an Entscheidungsträger: {action}",
			"console.outreach.target":    "Entscheidungsträger",
			"console.outreach.staff":     "Mit Büro gesprochen",
			"console.outreach.voicemail": "Mailbox",
			"console.outreach.noanswer":  "Keine Antwort",
			"console.outreach.emails":    "E-Mails",
			"console.outreach.waiting":   "Wartend (Stundenlimit)",
		},
		"es": {
			"console.outreach.export":    "{title}: llamadas y correos",
			"console.outreach.caption":   "Llamadas y correos a quienes deciden: {action}",
			"console.outreach.target":    "Quien decide",
			"console.outreach.staff":     "Habló con el equipo",
			"console.outreach.voicemail": "Buzón de voz",
			"console.outreach.noanswer":  "Sin respuesta",
			"console.outreach.emails":    "Correos",
			"console.outreach.waiting":   "En espera (límite por hora)",
		},
		"ar": {
			"console.outreach.export":    "{title}: المكالمات والرسائل",
			"console.outreach.caption":   "المكالمات والرسائل إلى صانعي القرار: {action}",
			"console.outreach.target":    "صانع القرار",
			"console.outreach.staff":     "تحدّث إلى الموظفين",
			"console.outreach.voicemail": "البريد الصوتي",
			"console.outreach.noanswer":  "لا رد",
			"console.outreach.emails":    "رسائل البريد",
			"console.outreach.waiting":   "في الانتظار (الحد في الساعة)",
		},
		"he": {
			"console.outreach.export":    "{title}: שיחות ומיילים",
			"console.outreach.caption":   "שיחות ומיילים למקבלי ההחלטות: {action}",
			"console.outreach.target":    "מקבל/ת ההחלטה",
			"console.outreach.staff":     "דיברו עם הצוות",
			"console.outreach.voicemail": "תא קולי",
			"console.outreach.noanswer":  "אין מענה",
			"console.outreach.emails":    "מיילים",
			"console.outreach.waiting":   "ממתינים (מגבלה לשעה)",
		},
	})
}
