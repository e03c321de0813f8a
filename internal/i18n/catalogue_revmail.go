package i18n

// The page a thank-you email's data-page link opens (web/data.go:
// dataAsk): it shows nothing about the signer, only a button that emails
// a data-page link to the address that signed, so a forwarded thank-you
// opens nothing. And the sentence before what a confirmation link's page
// shows was sent with the address (web/confirm.go: confirmDetails).
func init() {
	extend(map[string]map[string]string{
		"en": {
			"confirm.details": "This is what was sent with this address. Confirm only if it is yours:",
			"data.ask.body":   "Press the button and we will email a link to a page showing everything {org} holds about you to the address that signed, where you can download it, change your choices or erase it. The page is not opened from here, so that nobody you forward our email to can see it. The link works for {hours} hours.",
		},
		"fr": {
			"confirm.details": "Voici ce qui a été envoyé avec cette adresse. Ne confirmez que si cela vient de vous :",
			"data.ask.body":   "Appuyez sur le bouton et nous enverrons à l’adresse qui a signé un lien vers une page qui montre tout ce que {org} conserve à votre sujet, où vous pourrez le télécharger, modifier vos choix ou tout effacer. La page ne s’ouvre pas d’ici, pour que personne à qui vous transférez notre e-mail ne puisse la voir. Le lien fonctionne pendant {hours} heures.",
		},
		"de": {
			"confirm.details": "Das wurde mit dieser Adresse geschickt. Bestätigen Sie nur, wenn es von Ihnen ist:",
			"data.ask.body":   "Drücken Sie den Knopf, und wir schicken der Adresse, die unterschrieben hat, einen Link zu einer Seite mit allem, was {org} über Sie gespeichert hat; dort können Sie es herunterladen, Ihre Einstellungen ändern oder alles löschen. Die Seite öffnet sich nicht von hier aus, damit niemand sie sieht, dem Sie unsere E-Mail weiterleiten. Der Link gilt {hours} Stunden.",
		},
		"es": {
			"confirm.details": "Esto es lo que se envió con esta dirección. Confirma solo si es tuyo:",
			"data.ask.body":   "Pulsa el botón y enviaremos a la dirección que firmó un enlace a una página con todo lo que {org} guarda sobre ti, donde puedes descargarlo, cambiar tus opciones o borrarlo. La página no se abre desde aquí, para que nadie a quien reenvíes nuestro correo pueda verla. El enlace funciona durante {hours} horas.",
		},
		"ar": {
			"confirm.details": "هذا ما أُرسل مع هذا العنوان. لا تؤكّد إلا إذا كان منك:",
			"data.ask.body":   "اضغط الزر وسنرسل إلى العنوان الذي وقّع رابطًا لصفحة تعرض كل ما تحتفظ به {org} عنك، حيث يمكنك تنزيله أو تغيير اختياراتك أو محوه. لا تُفتح الصفحة من هنا، كي لا يراها أحد تعيد توجيه رسالتنا إليه. يعمل الرابط لمدة {hours} ساعة.",
		},
		"he": {
			"confirm.details": "זה מה שנשלח עם הכתובת הזאת. אשרו רק אם זה שלכם:",
			"data.ask.body":   "לחצו על הכפתור ונשלח לכתובת שחתמה קישור לדף שמציג את כל מה ש{org} שומרים עליכם, ושם אפשר להוריד אותו, לשנות את הבחירות שלכם או למחוק הכול. הדף לא נפתח מכאן, כדי שאף אחד שתעבירו אליו את המייל שלנו לא יוכל לראות אותו. הקישור פועל {hours} שעות.",
		},
	})
}
