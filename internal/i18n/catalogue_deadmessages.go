package i18n

// The console dashboard's line on the other messages the outbox gave up
// on (internal/console/dashboard.go): confirmations, letters, CRM events,
// kept with the person's data they hold until serve deletes them
// (outbox.DeadDrop).
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.dashboard.dead_messages": "Messages that could not be delivered: {n}. They keep the personal data they hold (addresses, letters' words) until {date} so you can retry them (placard outbox retry); then they are deleted for good.",
		},
		"fr": {
			"console.dashboard.dead_messages": "Messages qui n'ont pas pu être remis : {n}. Ils gardent les données personnelles qu'ils contiennent (adresses, texte des lettres) jusqu'au {date} pour que vous puissiez les renvoyer (placard outbox retry) ; ils sont ensuite supprimés définitivement.",
		},
		"de": {
			"console.dashboard.dead_messages": "Nachrichten, die nicht zugestellt werden konnten: {n}. Sie behalten die persönlichen Daten, die sie enthalten (Adressen, Text von Briefen), bis {date}, damit Sie sie erneut senden können (placard outbox retry); danach werden sie endgültig gelöscht.",
		},
		"es": {
			"console.dashboard.dead_messages": "Mensajes que no se pudieron entregar: {n}. Conservan los datos personales que contienen (direcciones, texto de las cartas) hasta el {date} para que pueda reenviarlos (placard outbox retry); después se eliminan para siempre.",
		},
		"ar": {
			"console.dashboard.dead_messages": "رسائل تعذّر تسليمها: {n}. تحتفظ بالبيانات الشخصية التي تحملها (العناوين، نص الرسائل) حتى {date} لتتمكن من إعادة إرسالها (placard outbox retry)؛ ثم تُحذف نهائيًا.",
		},
		"he": {
			"console.dashboard.dead_messages": "הודעות שלא ניתן היה למסור: {n}. הן שומרות את המידע האישי שבהן (כתובות, נוסח מכתבים) עד {date} כדי שתוכלו לשלוח אותן שוב (placard outbox retry); לאחר מכן הן נמחקות לצמיתות.",
		},
	})
}
