package i18n

// A signature the store refused as sent (store.ErrInvalidSignature;
// internal/web signRefused): the form comes back holding what the signer
// typed. When the refusal names a field they typed, its own check message
// says what to change (check.FIELD.invisible, .unreadable), and for an
// address too long to store with the campaign's name, this one. When it
// names nothing they typed, the message under the heading says nothing
// was recorded and that sending the same form again will not help. The
// console's dashboard counts them per campaign (store.Refusals).
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.dashboard.refused":  "Signatures refused as sent: {n}. The database could not hold a value in them, so each signer was shown the form again and asked to change that field; nothing of theirs was stored. If this number keeps growing, tell whoever runs the server: the log names the field.",
			"check.email.unstorable":     "Your email address is too long for us to store — enter a shorter address if you have one",
			"sign.again.refused.message": "We could not store your signature as it was sent, and sending the same form again will not help. What you typed is kept below. The organisers have been told; please come back later or contact them.",
		},
		"fr": {
			"console.dashboard.refused":  "Signatures refusées telles qu'envoyées : {n}. La base de données ne pouvait pas contenir une de leurs valeurs : chaque signataire a revu le formulaire avec le champ à modifier, et rien n'a été enregistré. Si ce nombre continue d'augmenter, prévenez la personne qui gère le serveur : le journal nomme le champ.",
			"check.email.unstorable":     "Votre adresse e-mail est trop longue pour que nous puissions l’enregistrer : saisissez une adresse plus courte si vous en avez une",
			"sign.again.refused.message": "Nous n’avons pas pu enregistrer votre signature telle qu’elle a été envoyée, et renvoyer le même formulaire n’y changera rien. Ce que vous avez saisi est conservé ci-dessous. Les organisateurs ont été prévenus : revenez plus tard ou contactez-les.",
		},
		"de": {
			"console.dashboard.refused":  "Wie gesendet abgelehnte Unterschriften: {n}. Die Datenbank konnte einen ihrer Werte nicht speichern; alle Unterzeichnenden sahen das Formular erneut mit dem zu ändernden Feld, und nichts wurde gespeichert. Wenn diese Zahl weiter wächst, sagen Sie es der Person, die den Server betreibt: Das Protokoll nennt das Feld.",
			"check.email.unstorable":     "Ihre E-Mail-Adresse ist zu lang, um sie zu speichern – geben Sie eine kürzere Adresse ein, falls Sie eine haben",
			"sign.again.refused.message": "Wir konnten Ihre Unterschrift so, wie sie gesendet wurde, nicht speichern, und dasselbe Formular erneut zu senden hilft nicht. Ihre Eingaben sind unten erhalten. Die Organisator:innen wurden informiert; kommen Sie später wieder oder wenden Sie sich an sie.",
		},
		"es": {
			"console.dashboard.refused":  "Firmas rechazadas tal como se enviaron: {n}. La base de datos no podía guardar uno de sus valores, así que cada firmante volvió a ver el formulario con el campo que cambiar y no se guardó nada. Si este número sigue creciendo, avise a quien administra el servidor: el registro nombra el campo.",
			"check.email.unstorable":     "Tu dirección de correo es demasiado larga para guardarla: escribe una dirección más corta si tienes una",
			"sign.again.refused.message": "No hemos podido guardar tu firma tal como se envió, y volver a enviar el mismo formulario no servirá. Lo que escribiste se conserva abajo. Los organizadores ya lo saben: vuelve más tarde o ponte en contacto con ellos.",
		},
		"ar": {
			"console.dashboard.refused":  "توقيعات رُفضت كما أُرسلت: {n}. لم تستطع قاعدة البيانات حفظ إحدى قيمها، فعُرض النموذج على كل موقّع من جديد مع الحقل الذي عليه تغييره، ولم يُحفظ شيء. وإن ظلّ هذا العدد يزداد فأخبر من يدير الخادم: السجلّ يذكر الحقل.",
			"check.email.unstorable":     "عنوان بريدك الإلكتروني أطول من أن نحفظه — أدخل عنوانًا أقصر إن كان لديك واحد",
			"sign.again.refused.message": "لم نتمكّن من حفظ توقيعك كما أُرسل، وإرسال النموذج نفسه مرة أخرى لن يفيد. ما كتبته محفوظ أدناه. أُبلغ المنظّمون بذلك؛ عُد لاحقًا أو تواصل معهم.",
		},
		"he": {
			"console.dashboard.refused":  "חתימות שנדחו כפי שנשלחו: {n}. מסד הנתונים לא יכול היה לשמור אחד מהערכים שלהן, ולכן כל חותם ראה שוב את הטופס עם השדה שיש לשנות, ודבר לא נשמר. אם המספר ממשיך לגדול, ספרו למי שמפעיל את השרת: היומן מציין את השדה.",
			"check.email.unstorable":     "כתובת הדוא״ל ארוכה מכדי שנוכל לשמור אותה — הזינו כתובת קצרה יותר אם יש לכם",
			"sign.again.refused.message": "לא הצלחנו לשמור את החתימה כפי שנשלחה, ושליחת אותו טופס שוב לא תעזור. מה שהקלדתם נשמר למטה. המארגנים קיבלו הודעה; חזרו מאוחר יותר או פנו אליהם.",
		},
	})
}
