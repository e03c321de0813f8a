package i18n

// An email address typed with a full stop at its end (the end of a
// sentence, often): said plainly rather than as a wrong domain.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"check.email.enddot": "Remove the full stop at the end of your email address, like name@example.org",
		},
		"fr": {
			"check.email.enddot": "Retirez le point à la fin de votre adresse e-mail, comme nom@example.org",
		},
		"de": {
			"check.email.enddot": "Entfernen Sie den Punkt am Ende Ihrer E-Mail-Adresse, etwa name@example.org",
		},
		"es": {
			"check.email.enddot": "Quita el punto al final de tu correo, como nombre@example.org",
		},
		"ar": {
			"check.email.enddot": "احذف النقطة في آخر بريدك الإلكتروني، مثل name@example.org",
		},
		"he": {
			"check.email.enddot": "הסירו את הנקודה שבסוף כתובת הדוא״ל, למשל name@example.org",
		},
	})
}
