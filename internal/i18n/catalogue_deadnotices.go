package i18n

// The console dashboard's line on the erasure notices the outbox gave up
// on (internal/console/dashboard.go): kept, with the address, until serve
// deletes them (webhook.DeadNoticeDrop).
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.dashboard.dead_notices": "Erasure notices your CRM never accepted: {n}. They keep the erased person's address until {date} so you can retry them (placard outbox retry) or erase those people in the CRM by hand; then they are deleted and the CRM is never told.",
		},
		"fr": {
			"console.dashboard.dead_notices": "Avis d'effacement que votre CRM n'a jamais acceptés : {n}. Ils gardent l'adresse de la personne effacée jusqu'au {date} pour que vous puissiez les renvoyer (placard outbox retry) ou effacer ces personnes du CRM à la main ; ils sont ensuite supprimés et le CRM n'en est jamais informé.",
		},
		"de": {
			"console.dashboard.dead_notices": "Löschhinweise, die Ihr CRM nie angenommen hat: {n}. Sie behalten die Adresse der gelöschten Person bis {date}, damit Sie sie erneut senden (placard outbox retry) oder diese Personen im CRM von Hand löschen können; danach werden sie gelöscht, und das CRM erfährt nie davon.",
		},
		"es": {
			"console.dashboard.dead_notices": "Avisos de borrado que su CRM nunca aceptó: {n}. Conservan la dirección de la persona borrada hasta el {date} para que pueda reenviarlos (placard outbox retry) o borrar a esas personas del CRM a mano; después se eliminan y el CRM nunca se entera.",
		},
		"ar": {
			"console.dashboard.dead_notices": "إشعارات المحو التي لم يقبلها نظام إدارة علاقاتك أبدًا: {n}. تحتفظ بعنوان الشخص الممحو حتى {date} لتتمكن من إعادة إرسالها (placard outbox retry) أو محو هؤلاء الأشخاص من النظام يدويًا؛ ثم تُحذف ولا يُبلَّغ النظام بها أبدًا.",
		},
		"he": {
			"console.dashboard.dead_notices": "הודעות מחיקה שה-CRM שלכם מעולם לא קיבל: {n}. הן שומרות את כתובת האדם שנמחק עד {date} כדי שתוכלו לשלוח אותן שוב (placard outbox retry) או למחוק את האנשים האלה מה-CRM ידנית; לאחר מכן הן נמחקות וה-CRM לעולם לא מקבל אותן.",
		},
	})
}
