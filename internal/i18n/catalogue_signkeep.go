package i18n

// A signing form that cannot be taken as sent comes back holding what the
// signer typed (internal/web sign.go): when the page changed after it was
// opened and the form names an action it no longer has, when too many
// signatures came from the signer's network, and when saving failed on
// our side. The headings of the last two are the error pages' own.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"sign.again.which":             "Choose what to sign",
			"sign.again.which.message":     "This page changed after you opened it, so nothing has been saved yet. What you typed is kept below: press the button under the one you want to sign.",
			"sign.again.changed.message":   "This page changed after you opened it, so nothing has been saved yet. What you typed is kept: check that this is what you want to sign, then press the button again.",
			"sign.again.limited.message":   "We received a lot of signatures from your network in the last minute, so nothing has been saved yet. What you typed is kept below: wait a minute, then press the button again.",
			"sign.again.notstored.message": "Something went wrong on our side while saving it. What you typed is kept below: press the button again in a moment.",
		},
		"fr": {
			"sign.again.which":             "Choisissez ce que vous signez",
			"sign.again.which.message":     "Cette page a changé depuis que vous l’avez ouverte : rien n’a encore été enregistré. Ce que vous avez saisi est conservé ci-dessous : appuyez sur le bouton sous ce que vous voulez signer.",
			"sign.again.changed.message":   "Cette page a changé depuis que vous l’avez ouverte : rien n’a encore été enregistré. Ce que vous avez saisi est conservé : vérifiez que c’est bien ce que vous voulez signer, puis appuyez de nouveau sur le bouton.",
			"sign.again.limited.message":   "Nous avons reçu beaucoup de signatures depuis votre réseau au cours de la dernière minute : rien n’a encore été enregistré. Ce que vous avez saisi est conservé ci-dessous : attendez une minute, puis appuyez de nouveau sur le bouton.",
			"sign.again.notstored.message": "Un problème est survenu de notre côté pendant l’enregistrement. Ce que vous avez saisi est conservé ci-dessous : appuyez de nouveau sur le bouton dans un instant.",
		},
		"de": {
			"sign.again.which":             "Wählen Sie, was Sie unterschreiben",
			"sign.again.which.message":     "Diese Seite hat sich geändert, seit Sie sie geöffnet haben; es wurde noch nichts gespeichert. Ihre Eingaben sind unten erhalten: Drücken Sie die Schaltfläche unter dem, was Sie unterschreiben möchten.",
			"sign.again.changed.message":   "Diese Seite hat sich geändert, seit Sie sie geöffnet haben; es wurde noch nichts gespeichert. Ihre Eingaben sind erhalten: Prüfen Sie, ob Sie dies unterschreiben möchten, und drücken Sie die Schaltfläche erneut.",
			"sign.again.limited.message":   "Wir haben in der letzten Minute viele Unterschriften aus Ihrem Netz erhalten; es wurde noch nichts gespeichert. Ihre Eingaben sind unten erhalten: Warten Sie eine Minute und drücken Sie die Schaltfläche dann erneut.",
			"sign.again.notstored.message": "Beim Speichern ist bei uns etwas schiefgegangen. Ihre Eingaben sind unten erhalten: Drücken Sie die Schaltfläche gleich noch einmal.",
		},
		"es": {
			"sign.again.which":             "Elige qué firmar",
			"sign.again.which.message":     "Esta página cambió después de que la abrieras, así que todavía no se ha guardado nada. Lo que escribiste se conserva abajo: pulsa el botón de lo que quieras firmar.",
			"sign.again.changed.message":   "Esta página cambió después de que la abrieras, así que todavía no se ha guardado nada. Lo que escribiste se conserva: comprueba que es lo que quieres firmar y vuelve a pulsar el botón.",
			"sign.again.limited.message":   "Hemos recibido muchas firmas desde tu red en el último minuto, así que todavía no se ha guardado nada. Lo que escribiste se conserva abajo: espera un minuto y vuelve a pulsar el botón.",
			"sign.again.notstored.message": "Algo falló por nuestra parte al guardarla. Lo que escribiste se conserva abajo: vuelve a pulsar el botón dentro de un momento.",
		},
		"ar": {
			"sign.again.which":             "اختر ما تريد توقيعه",
			"sign.again.which.message":     "تغيّرت هذه الصفحة بعد أن فتحتها، لذا لم يُحفظ شيء بعد. ما كتبته محفوظ أدناه: اضغط الزر تحت ما تريد توقيعه.",
			"sign.again.changed.message":   "تغيّرت هذه الصفحة بعد أن فتحتها، لذا لم يُحفظ شيء بعد. ما كتبته محفوظ: تأكّد أن هذا ما تريد توقيعه، ثم اضغط الزر مرة أخرى.",
			"sign.again.limited.message":   "تلقّينا عددًا كبيرًا من التوقيعات من شبكتك في الدقيقة الأخيرة، لذا لم يُحفظ شيء بعد. ما كتبته محفوظ أدناه: انتظر دقيقة ثم اضغط الزر مرة أخرى.",
			"sign.again.notstored.message": "حدث خطأ من جهتنا أثناء حفظه. ما كتبته محفوظ أدناه: اضغط الزر مرة أخرى بعد قليل.",
		},
		"he": {
			"sign.again.which":             "בחרו על מה לחתום",
			"sign.again.which.message":     "העמוד השתנה מאז שפתחתם אותו, ולכן עדיין לא נשמר דבר. מה שהקלדתם נשמר למטה: לחצו על הכפתור שמתחת למה שתרצו לחתום עליו.",
			"sign.again.changed.message":   "העמוד השתנה מאז שפתחתם אותו, ולכן עדיין לא נשמר דבר. מה שהקלדתם נשמר: ודאו שעל זה תרצו לחתום, ולחצו שוב על הכפתור.",
			"sign.again.limited.message":   "קיבלנו חתימות רבות מהרשת שלכם בדקה האחרונה, ולכן עדיין לא נשמר דבר. מה שהקלדתם נשמר למטה: המתינו דקה ולחצו שוב על הכפתור.",
			"sign.again.notstored.message": "משהו השתבש אצלנו בזמן השמירה. מה שהקלדתם נשמר למטה: לחצו שוב על הכפתור בעוד רגע.",
		},
	})
}
