package i18n

// The console dashboard's counts of erasure notes waiting in the outbox
// (store.NoteFigures, internal/console/dashboard.go): an organisation's
// own, and, to a site admin, those of organisations no longer served.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.dashboard.unserved_drop": "If {org} is still not served on {date}, its erasure notices are deleted from that day, and its CRM is never told.",
			"console.dashboard.notes":         "Erasure notices waiting to be sent to your CRM (people erased here, whom the CRM must forget): {n}.",
			"console.dashboard.unserved":      "Erasure notices that cannot be sent because this server no longer serves their organisation ({orgs}): {n}. Serve it again to send them, or erase those people in its CRM by hand and drop the notices with placard outbox drop --erasure-notes ORGANISATION.",
		},
		"fr": {
			"console.dashboard.unserved_drop": "Si {org} n'est toujours pas servie le {date}, ses avis d'effacement sont supprimés à partir de ce jour, et son CRM n'en est jamais informé.",
			"console.dashboard.notes":         "Avis d'effacement en attente d'envoi à votre CRM (personnes effacées ici, que le CRM doit oublier) : {n}.",
			"console.dashboard.unserved":      "Avis d'effacement impossibles à envoyer car ce serveur ne sert plus leur organisation ({orgs}) : {n}. Servez-la de nouveau pour les envoyer, ou effacez ces personnes à la main dans son CRM et supprimez les avis avec placard outbox drop --erasure-notes ORGANISATION.",
		},
		"de": {
			"console.dashboard.unserved_drop": "Wird {org} am {date} noch immer nicht bereitgestellt, werden ihre Löschhinweise ab diesem Tag gelöscht, und ihr CRM erfährt nie davon.",
			"console.dashboard.notes":         "Löschhinweise, die noch an Ihr CRM gesendet werden (hier gelöschte Personen, die das CRM vergessen muss): {n}.",
			"console.dashboard.unserved":      "Löschhinweise, die nicht gesendet werden können, weil dieser Server ihre Organisation nicht mehr bereitstellt ({orgs}): {n}. Stellen Sie sie wieder bereit, um sie zu senden, oder löschen Sie diese Personen von Hand in ihrem CRM und verwerfen Sie die Hinweise mit placard outbox drop --erasure-notes ORGANISATION.",
		},
		"es": {
			"console.dashboard.unserved_drop": "Si {org} sigue sin servirse el {date}, sus avisos de borrado se eliminan a partir de ese día y su CRM nunca se entera.",
			"console.dashboard.notes":         "Avisos de borrado pendientes de enviar a su CRM (personas borradas aquí que el CRM debe olvidar): {n}.",
			"console.dashboard.unserved":      "Avisos de borrado que no pueden enviarse porque este servidor ya no sirve su organización ({orgs}): {n}. Vuelva a servirla para enviarlos, o borre a esas personas a mano en su CRM y descarte los avisos con placard outbox drop --erasure-notes ORGANIZACIÓN.",
		},
		"ar": {
			"console.dashboard.unserved_drop": "إذا بقيت {org} غير مخدومة في {date}، تُحذف إشعارات المحو الخاصة بها ابتداءً من ذلك اليوم، ولا يُبلَّغ نظام إدارة علاقاتها بها أبدًا.",
			"console.dashboard.notes":         "إشعارات محو بانتظار إرسالها إلى نظام إدارة علاقاتكم (أشخاص مُحيت بياناتهم هنا، وعلى النظام أن ينساهم): {n}.",
			"console.dashboard.unserved":      "إشعارات محو يتعذّر إرسالها لأن هذا الخادم لم يعد يخدم منظمتها ({orgs}): {n}. أعيدوا خدمتها لإرسالها، أو امحوا هؤلاء الأشخاص يدويًا من نظام إدارة علاقاتها ثم احذفوا الإشعارات بالأمر placard outbox drop --erasure-notes ORGANISATION.",
		},
		"he": {
			"console.dashboard.unserved_drop": "אם {org} עדיין לא מוגש ב-{date}, הודעות המחיקה שלו נמחקות מאותו יום, וה-CRM שלו לעולם לא מקבל אותן.",
			"console.dashboard.notes":         "הודעות מחיקה הממתינות לשליחה למערכת ה-CRM שלכם (אנשים שנמחקו כאן, שה-CRM צריך לשכוח): {n}.",
			"console.dashboard.unserved":      "הודעות מחיקה שלא ניתן לשלוח כי שרת זה כבר לא מגיש את הארגון שלהן ({orgs}): {n}. הגישו אותו שוב כדי לשלוח אותן, או מחקו את האנשים האלה ידנית ב-CRM שלו והסירו את ההודעות עם placard outbox drop --erasure-notes ORGANISATION.",
		},
	})
}
