package i18n

// The console dashboard's count, per campaign, of confirmation emails
// given up unsent: their inbox had no turn under the shared mail pace
// before their signature's deadline (store.MailPace.UnsentCounts,
// internal/console/dashboard.go).
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.dashboard.unsent": "Confirmation emails never sent: {n}. Someone kept typing these signers' addresses, so their inboxes had no turn before the signatures expired. They can sign again; if this number keeps growing, tell whoever runs the server.",
		},
		"fr": {
			"console.dashboard.unsent": "E-mails de confirmation jamais envoyés : {n}. Quelqu'un a saisi ces adresses encore et encore, si bien que leurs boîtes n'ont pas eu leur tour avant l'expiration des signatures. Ces personnes peuvent signer à nouveau ; si ce nombre continue d'augmenter, prévenez la personne qui gère le serveur.",
		},
		"de": {
			"console.dashboard.unsent": "Nie versendete Bestätigungs-E-Mails: {n}. Jemand hat diese Adressen immer wieder eingegeben, sodass ihre Postfächer vor Ablauf der Unterschriften nicht an der Reihe waren. Sie können erneut unterschreiben; wenn diese Zahl weiter wächst, sagen Sie es der Person, die den Server betreibt.",
		},
		"es": {
			"console.dashboard.unsent": "Correos de confirmación nunca enviados: {n}. Alguien escribió estas direcciones una y otra vez, así que sus buzones no tuvieron turno antes de que las firmas caducaran. Pueden volver a firmar; si este número sigue creciendo, avise a quien administra el servidor.",
		},
		"ar": {
			"console.dashboard.unsent": "رسائل تأكيد لم تُرسل قط: {n}. ظلّ أحدهم يكتب عناوين هؤلاء الموقّعين مرة بعد مرة، فلم يحن دور صناديقهم قبل انتهاء مهلة التوقيعات. يمكنهم التوقيع من جديد؛ وإن ظلّ هذا العدد يزداد فأخبر من يدير الخادم.",
		},
		"he": {
			"console.dashboard.unsent": "הודעות אישור שלא נשלחו מעולם: {n}. מישהו הקליד את הכתובות של החותמים האלה שוב ושוב, ולכן לתיבות שלהם לא הגיע תור לפני שתוקף החתימות פג. אפשר לחתום שוב; אם המספר ממשיך לגדול, ספרו למי שמפעיל את השרת.",
		},
	})
}
