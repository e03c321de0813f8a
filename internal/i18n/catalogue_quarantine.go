package i18n

// The console dashboard's count of damaged bundles of messages the
// outbox set aside (store.Quarantine, internal/console/dashboard.go).
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.dashboard.quarantined": "Batches of emails and webhooks set aside on this server because they could not be read (of any organisation; not sent): {n}. Whoever runs the server finds what to do in docs/email.md.",
		},
		"fr": {
			"console.dashboard.quarantined": "Lots d'e-mails et de webhooks mis de côté sur ce serveur car illisibles (de toute organisation ; non envoyés) : {n}. La personne qui gère le serveur trouvera quoi faire dans docs/email.md.",
		},
		"de": {
			"console.dashboard.quarantined": "Stapel von E-Mails und Webhooks, die auf diesem Server als unlesbar zurückgestellt wurden (beliebiger Organisationen; nicht versendet): {n}. Wer den Server betreibt, findet in docs/email.md, was zu tun ist.",
		},
		"es": {
			"console.dashboard.quarantined": "Lotes de correos y webhooks apartados en este servidor por ser ilegibles (de cualquier organización; no enviados): {n}. Quien administra el servidor encontrará qué hacer en docs/email.md.",
		},
		"ar": {
			"console.dashboard.quarantined": "دفعات من الرسائل والخطافات نُحّيت جانبًا على هذا الخادم لتعذّر قراءتها (لأي منظمة، ولم تُرسل): {n}. يجد من يدير الخادم ما يجب فعله في docs/email.md.",
		},
		"he": {
			"console.dashboard.quarantined": "אצוות של הודעות דוא״ל ו-webhooks שהוצאו הצידה בשרת זה כי לא ניתן לקרוא אותן (של ארגון כלשהו; לא נשלחו): {n}. מי שמפעיל את השרת ימצא מה לעשות ב-docs/email.md.",
		},
	})
}
