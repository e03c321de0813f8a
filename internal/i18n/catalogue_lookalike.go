package i18n

// The refusal of an address whose domain has a label written in another
// alphabet's letters that all look like Latin ones ("аррӏе.com" reads as
// "apple.com"): not a typing mistake, so it says to check the address or
// sign with another one.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"check.email.lookalike": "The part of your email address after the @ is written in letters of another alphabet that look like Latin ones, so it could pass for a different address — check it, or sign with another address, like name@example.org",
		},
		"fr": {
			"check.email.lookalike": "La partie de votre adresse e-mail après le @ est écrite avec des lettres d’un autre alphabet qui ressemblent à des lettres latines : elle pourrait passer pour une autre adresse. Vérifiez-la, ou signez avec une autre adresse, comme nom@example.org",
		},
		"de": {
			"check.email.lookalike": "Der Teil Ihrer E-Mail-Adresse nach dem @ ist in Buchstaben eines anderen Alphabets geschrieben, die wie lateinische aussehen, und könnte für eine andere Adresse gehalten werden – bitte prüfen Sie ihn oder unterschreiben Sie mit einer anderen Adresse, etwa name@example.org",
		},
		"es": {
			"check.email.lookalike": "La parte de tu correo después de la @ está escrita con letras de otro alfabeto que parecen latinas, y podría confundirse con otra dirección: revísala o firma con otra dirección, como nombre@example.org",
		},
		"ar": {
			"check.email.lookalike": "الجزء الذي بعد @ في بريدك الإلكتروني مكتوب بحروف من أبجدية أخرى تشبه الحروف اللاتينية، فقد يُظن أنه عنوان آخر — تحقق منه أو وقّع بعنوان آخر، مثل name@example.org",
		},
		"he": {
			"check.email.lookalike": "החלק שאחרי ה-@ בכתובת הדוא״ל כתוב באותיות של אלפבית אחר שנראות כמו אותיות לטיניות, ולכן אפשר לטעות ולחשוב שזו כתובת אחרת — בדקו אותה או חתמו בכתובת אחרת, למשל name@example.org",
		},
	})
}
