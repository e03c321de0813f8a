package i18n

// The console's review (internal/console): the passkey page of a session
// signed in too long ago to add one.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.passkey.stale":      "Adding a passkey needs a sign-in from the last 15 minutes, so that nobody using a session left open can add one of their own. Sign in again (with a passkey or a link by email), then add it.",
			"console.passkey.stale.link": "Sign in again",
		},
		"fr": {
			"console.passkey.stale":      "Pour ajouter une clé d'accès, il faut vous être connecté il y a moins de 15 minutes : ainsi, personne ne peut ajouter la sienne depuis une session restée ouverte. Reconnectez-vous (avec une clé d'accès ou un lien par e-mail), puis ajoutez-la.",
			"console.passkey.stale.link": "Se reconnecter",
		},
		"de": {
			"console.passkey.stale":      "Einen Passkey können Sie nur in den ersten 15 Minuten nach der Anmeldung anlegen, damit niemand über eine offen gelassene Sitzung einen eigenen anlegen kann. Melden Sie sich erneut an (mit einem Passkey oder einem Link per E-Mail) und legen Sie ihn dann an.",
			"console.passkey.stale.link": "Erneut anmelden",
		},
		"es": {
			"console.passkey.stale":      "Para añadir una llave de acceso hay que haber iniciado sesión hace menos de 15 minutos, así nadie puede añadir la suya desde una sesión que quedó abierta. Vuelva a iniciar sesión (con una llave de acceso o un enlace por correo) y añádala después.",
			"console.passkey.stale.link": "Volver a iniciar sesión",
		},
		"ar": {
			"console.passkey.stale":      "لإضافة مفتاح مرور يجب أن تكون قد سجّلت الدخول خلال آخر 15 دقيقة، حتى لا يستطيع أحد يستخدم جلسة تُركت مفتوحة أن يضيف مفتاحًا خاصًا به. سجّل الدخول من جديد (بمفتاح مرور أو برابط عبر البريد الإلكتروني)، ثم أضفه.",
			"console.passkey.stale.link": "تسجيل الدخول من جديد",
		},
		"he": {
			"console.passkey.stale":      "כדי להוסיף מפתח גישה צריך להיכנס במהלך 15 הדקות האחרונות, כך שאף אחד שמשתמש בחיבור שנשאר פתוח לא יוכל להוסיף מפתח משלו. היכנסו שוב (עם מפתח גישה או עם קישור בדוא״ל), ואז הוסיפו אותו.",
			"console.passkey.stale.link": "כניסה מחדש",
		},
	})
}
