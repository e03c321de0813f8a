package i18n

// The console's review (internal/console): the passkey page of a session
// signed in too long ago to add one, a download another site started, and
// the log's entry for a passkey refused as a copy.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"console.audit.act.passkey-copied": "refused a passkey that may be a copy (its counter went back)",
			"console.err.crossdownload":        "This download was started from another site",
			"console.err.crossdownload.text":   "For your safety, the console makes a download only from its own pages. Open the console's Data page and download it there.",
			"console.passkey.stale":            "Adding a passkey needs a sign-in from the last 15 minutes, so that nobody using a session left open can add one of their own. Sign in again (with a passkey or a link by email), then add it.",
			"console.passkey.stale.link":       "Sign in again",
		},
		"fr": {
			"console.audit.act.passkey-copied": "a refusé une clé d'accès qui est peut-être une copie (son compteur a reculé)",
			"console.err.crossdownload":        "Ce téléchargement a été lancé depuis un autre site",
			"console.err.crossdownload.text":   "Pour votre sécurité, la console ne fait un téléchargement que depuis ses propres pages. Ouvrez la page Données de la console et téléchargez-le depuis celle-ci.",
			"console.passkey.stale":            "Pour ajouter une clé d'accès, il faut vous être connecté il y a moins de 15 minutes : ainsi, personne ne peut ajouter la sienne depuis une session restée ouverte. Reconnectez-vous (avec une clé d'accès ou un lien par e-mail), puis ajoutez-la.",
			"console.passkey.stale.link":       "Se reconnecter",
		},
		"de": {
			"console.audit.act.passkey-copied": "Passkey abgewiesen, der eine Kopie sein könnte (sein Zähler ging zurück)",
			"console.err.crossdownload":        "Dieser Download wurde von einer anderen Website gestartet",
			"console.err.crossdownload.text":   "Zu Ihrer Sicherheit erstellt die Konsole Downloads nur von ihren eigenen Seiten aus. Öffnen Sie die Seite „Daten“ der Konsole und laden Sie ihn dort herunter.",
			"console.passkey.stale":            "Einen Passkey können Sie nur in den ersten 15 Minuten nach der Anmeldung anlegen, damit niemand über eine offen gelassene Sitzung einen eigenen anlegen kann. Melden Sie sich erneut an (mit einem Passkey oder einem Link per E-Mail) und legen Sie ihn dann an.",
			"console.passkey.stale.link":       "Erneut anmelden",
		},
		"es": {
			"console.audit.act.passkey-copied": "rechazó una llave de acceso que puede ser una copia (su contador retrocedió)",
			"console.err.crossdownload":        "Esta descarga se inició desde otro sitio",
			"console.err.crossdownload.text":   "Por tu seguridad, la consola solo hace descargas desde sus propias páginas. Abre la página Datos de la consola y descárgalo allí.",
			"console.passkey.stale":            "Para añadir una llave de acceso tienes que haber iniciado sesión hace menos de 15 minutos, así nadie puede añadir la suya desde una sesión que quedó abierta. Vuelve a iniciar sesión (con una llave de acceso o un enlace por correo) y añádela después.",
			"console.passkey.stale.link":       "Volver a iniciar sesión",
		},
		"ar": {
			"console.audit.act.passkey-copied": "رُفض مفتاح مرور قد يكون نسخة (عاد عدّاده إلى الوراء)",
			"console.err.crossdownload":        "بدأ هذا التنزيل من موقع آخر",
			"console.err.crossdownload.text":   "حفاظًا على أمانك لا تُجري اللوحة التنزيلات إلا من صفحاتها. افتح صفحة «البيانات» في اللوحة ونزّله منها.",
			"console.passkey.stale":            "لإضافة مفتاح مرور يجب أن تكون قد سجّلت الدخول خلال آخر 15 دقيقة، حتى لا يستطيع أحد يستخدم جلسة تُركت مفتوحة أن يضيف مفتاحًا خاصًا به. سجّل الدخول من جديد (بمفتاح مرور أو برابط عبر البريد الإلكتروني)، ثم أضفه.",
			"console.passkey.stale.link":       "تسجيل الدخول من جديد",
		},
		"he": {
			"console.audit.act.passkey-copied": "נדחה מפתח גישה שעשוי להיות העתק (המונה שלו חזר אחורה)",
			"console.err.crossdownload":        "ההורדה הזו התחילה מאתר אחר",
			"console.err.crossdownload.text":   "לביטחונך, המסוף מבצע הורדות רק מהדפים שלו. פתחו את דף „נתונים” במסוף והורידו משם.",
			"console.passkey.stale":            "כדי להוסיף מפתח גישה צריך להיכנס במהלך 15 הדקות האחרונות, כך שאף אחד שמשתמש בחיבור שנשאר פתוח לא יוכל להוסיף מפתח משלו. היכנסו שוב (עם מפתח גישה או עם קישור בדוא״ל), ואז הוסיפו אותו.",
			"console.passkey.stale.link":       "כניסה מחדש",
		},
	})
}
