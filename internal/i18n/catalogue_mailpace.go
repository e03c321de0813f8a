package i18n

// The check-your-inbox page after a signature that waits for its
// confirmation: the email may be put off by the mailbox's pace (up to an
// hour, internal/web/datalimit.go), or not sent at all, and the page —
// the same for everyone — says what to do then.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"confirm.wait.late": "The email can take up to an hour. If none has come within an hour, sign again.",
		},
		"fr": {
			"confirm.wait.late": "L’email peut mettre jusqu’à une heure à arriver. S’il n’est pas là au bout d’une heure, signez de nouveau.",
		},
		"de": {
			"confirm.wait.late": "Die E-Mail kann bis zu einer Stunde brauchen. Ist nach einer Stunde keine da, unterschreiben Sie noch einmal.",
		},
		"es": {
			"confirm.wait.late": "El correo puede tardar hasta una hora. Si no ha llegado en una hora, vuelve a firmar.",
		},
		"ar": {
			"confirm.wait.late": "قد يستغرق وصول البريد ساعة. إن لم يصل خلال ساعة فوقّع من جديد.",
		},
		"he": {
			"confirm.wait.late": "המייל עשוי להגיע רק בתוך שעה. אם לא הגיע תוך שעה, חתמו שוב.",
		},
	})
}
