package i18n

// A signature the store refused as sent (store.ErrInvalidSignature;
// internal/web signRefused): the form comes back holding what the signer
// typed. When the refusal names a field they typed, its own check message
// says what to change (check.FIELD.invisible, .unreadable), and for an
// address too long to store with the campaign's name, this one. When it
// names nothing they typed, the message under the heading says nothing
// was recorded and that sending the same form again will not help.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"check.email.unstorable":     "Your email address is too long for us to store — enter a shorter address if you have one",
			"sign.again.refused.message": "We could not store your signature as it was sent, and sending the same form again will not help. What you typed is kept below. The organisers have been told; please come back later or contact them.",
		},
		"fr": {
			"check.email.unstorable":     "Votre adresse e-mail est trop longue pour que nous puissions l’enregistrer : saisissez une adresse plus courte si vous en avez une",
			"sign.again.refused.message": "Nous n’avons pas pu enregistrer votre signature telle qu’elle a été envoyée, et renvoyer le même formulaire n’y changera rien. Ce que vous avez saisi est conservé ci-dessous. Les organisateurs ont été prévenus : revenez plus tard ou contactez-les.",
		},
		"de": {
			"check.email.unstorable":     "Ihre E-Mail-Adresse ist zu lang, um sie zu speichern – geben Sie eine kürzere Adresse ein, falls Sie eine haben",
			"sign.again.refused.message": "Wir konnten Ihre Unterschrift so, wie sie gesendet wurde, nicht speichern, und dasselbe Formular erneut zu senden hilft nicht. Ihre Eingaben sind unten erhalten. Die Organisator:innen wurden informiert; kommen Sie später wieder oder wenden Sie sich an sie.",
		},
		"es": {
			"check.email.unstorable":     "Tu dirección de correo es demasiado larga para guardarla: escribe una dirección más corta si tienes una",
			"sign.again.refused.message": "No hemos podido guardar tu firma tal como se envió, y volver a enviar el mismo formulario no servirá. Lo que escribiste se conserva abajo. Los organizadores ya lo saben: vuelve más tarde o ponte en contacto con ellos.",
		},
		"ar": {
			"check.email.unstorable":     "عنوان بريدك الإلكتروني أطول من أن نحفظه — أدخل عنوانًا أقصر إن كان لديك واحد",
			"sign.again.refused.message": "لم نتمكّن من حفظ توقيعك كما أُرسل، وإرسال النموذج نفسه مرة أخرى لن يفيد. ما كتبته محفوظ أدناه. أُبلغ المنظّمون بذلك؛ عُد لاحقًا أو تواصل معهم.",
		},
		"he": {
			"check.email.unstorable":     "כתובת הדוא״ל ארוכה מכדי שנוכל לשמור אותה — הזינו כתובת קצרה יותר אם יש לכם",
			"sign.again.refused.message": "לא הצלחנו לשמור את החתימה כפי שנשלחה, ושליחת אותו טופס שוב לא תעזור. מה שהקלדתם נשמר למטה. המארגנים קיבלו הודעה; חזרו מאוחר יותר או פנו אליהם.",
		},
	})
}
