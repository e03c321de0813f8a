package i18n

// A signing form that cannot be taken as sent comes back holding what the
// signer typed (internal/web sign.go): when the page changed after it was
// opened and the form names an action it no longer has.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"sign.again.which":           "Choose what to sign",
			"sign.again.which.message":   "This page changed after you opened it, so nothing has been saved yet. What you typed is kept below: press the button under the one you want to sign.",
			"sign.again.changed.message": "This page changed after you opened it, so nothing has been saved yet. What you typed is kept: check that this is what you want to sign, then press the button again.",
		},
		"fr": {
			"sign.again.which":           "Choisissez ce que vous signez",
			"sign.again.which.message":   "Cette page a changé depuis que vous l’avez ouverte : rien n’a encore été enregistré. Ce que vous avez saisi est conservé ci-dessous : appuyez sur le bouton sous ce que vous voulez signer.",
			"sign.again.changed.message": "Cette page a changé depuis que vous l’avez ouverte : rien n’a encore été enregistré. Ce que vous avez saisi est conservé : vérifiez que c’est bien ce que vous voulez signer, puis appuyez de nouveau sur le bouton.",
		},
		"de": {
			"sign.again.which":           "Wählen Sie, was Sie unterschreiben",
			"sign.again.which.message":   "Diese Seite hat sich geändert, seit Sie sie geöffnet haben; es wurde noch nichts gespeichert. Ihre Eingaben sind unten erhalten: Drücken Sie die Schaltfläche unter dem, was Sie unterschreiben möchten.",
			"sign.again.changed.message": "Diese Seite hat sich geändert, seit Sie sie geöffnet haben; es wurde noch nichts gespeichert. Ihre Eingaben sind erhalten: Prüfen Sie, ob Sie dies unterschreiben möchten, und drücken Sie die Schaltfläche erneut.",
		},
		"es": {
			"sign.again.which":           "Elige qué firmar",
			"sign.again.which.message":   "Esta página cambió después de que la abrieras, así que todavía no se ha guardado nada. Lo que escribiste se conserva abajo: pulsa el botón de lo que quieras firmar.",
			"sign.again.changed.message": "Esta página cambió después de que la abrieras, así que todavía no se ha guardado nada. Lo que escribiste se conserva: comprueba que es lo que quieres firmar y vuelve a pulsar el botón.",
		},
		"ar": {
			"sign.again.which":           "اختر ما تريد توقيعه",
			"sign.again.which.message":   "تغيّرت هذه الصفحة بعد أن فتحتها، لذا لم يُحفظ شيء بعد. ما كتبته محفوظ أدناه: اضغط الزر تحت ما تريد توقيعه.",
			"sign.again.changed.message": "تغيّرت هذه الصفحة بعد أن فتحتها، لذا لم يُحفظ شيء بعد. ما كتبته محفوظ: تأكّد أن هذا ما تريد توقيعه، ثم اضغط الزر مرة أخرى.",
		},
		"he": {
			"sign.again.which":           "בחרו על מה לחתום",
			"sign.again.which.message":   "העמוד השתנה מאז שפתחתם אותו, ולכן עדיין לא נשמר דבר. מה שהקלדתם נשמר למטה: לחצו על הכפתור שמתחת למה שתרצו לחתום עליו.",
			"sign.again.changed.message": "העמוד השתנה מאז שפתחתם אותו, ולכן עדיין לא נשמר דבר. מה שהקלדתם נשמר: ודאו שעל זה תרצו לחתום, ולחצו שוב על הכפתור.",
		},
	})
}
