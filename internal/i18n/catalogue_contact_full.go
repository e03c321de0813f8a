package i18n

// Strings of a decision-maker's full queue (contactcost): the queue for
// one target holds a day of letters (store.MaxDripAhead); past it the
// supporter keeps their text and is told when to try again, and the
// console counts the letters held back.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"contact.write.err.full":   "{name} already has a full day of letters waiting, so yours cannot join the queue right now. Your message is kept here: send it again in an hour or two, or tomorrow.",
			"contact.write.full":       "{name} already has a full day of letters waiting, so yours could not join the queue. Nothing was sent. Your message is kept on this page: press the button again in an hour or two — this link works for two days after you wrote.",
			"console.outreach.held":    "Held back (queue full)",
			"console.outreach.explain": "Waiting: letters queued for a later hour. Held back: letters turned away because a day of letters was already waiting; the supporter was asked to try again later.",
		},
		"fr": {
			"contact.write.err.full":   "{name} a déjà une journée entière de lettres en attente : la vôtre ne peut pas rejoindre la file pour le moment. Votre message est conservé ici : renvoyez-le dans une heure ou deux, ou demain.",
			"contact.write.full":       "{name} a déjà une journée entière de lettres en attente : la vôtre n'a pas pu rejoindre la file. Rien n'a été envoyé. Votre message est conservé sur cette page : appuyez de nouveau sur le bouton dans une heure ou deux — ce lien fonctionne deux jours après votre envoi.",
			"console.outreach.held":    "Retenues (file pleine)",
			"console.outreach.explain": "En attente : lettres prévues pour une heure suivante. Retenues : lettres refusées parce qu'une journée de lettres attendait déjà ; on a demandé à la personne de réessayer plus tard.",
		},
		"de": {
			"contact.write.err.full":   "Für {name} wartet bereits ein ganzer Tag an Briefen, daher kann Ihrer gerade nicht in die Warteschlange. Ihre Nachricht bleibt hier erhalten: Senden Sie sie in ein, zwei Stunden oder morgen erneut.",
			"contact.write.full":       "Für {name} wartet bereits ein ganzer Tag an Briefen, daher konnte Ihrer nicht in die Warteschlange. Nichts wurde gesendet. Ihre Nachricht bleibt auf dieser Seite: Drücken Sie in ein, zwei Stunden erneut auf den Knopf — dieser Link gilt zwei Tage nach dem Schreiben.",
			"console.outreach.held":    "Zurückgehalten (Warteschlange voll)",
			"console.outreach.explain": "Wartend: Briefe für eine spätere Stunde. Zurückgehalten: Briefe, die abgewiesen wurden, weil schon ein Tag an Briefen wartete; die Person wurde gebeten, es später erneut zu versuchen.",
		},
		"es": {
			"contact.write.err.full":   "{name} ya tiene un día entero de cartas en espera, así que la tuya no puede entrar en la cola ahora. Tu mensaje se guarda aquí: envíalo de nuevo en una o dos horas, o mañana.",
			"contact.write.full":       "{name} ya tiene un día entero de cartas en espera, así que la tuya no pudo entrar en la cola. No se envió nada. Tu mensaje se guarda en esta página: pulsa el botón de nuevo en una o dos horas; este enlace funciona dos días después de que escribiste.",
			"console.outreach.held":    "Retenidas (cola llena)",
			"console.outreach.explain": "En espera: cartas previstas para una hora posterior. Retenidas: cartas rechazadas porque ya esperaba un día entero de cartas; se pidió a la persona que lo intentara más tarde.",
		},
		"ar": {
			"contact.write.err.full":   "لدى {name} رسائل تكفي يومًا كاملًا في الانتظار، لذا لا يمكن أن تنضم رسالتك إلى الدور الآن. رسالتك محفوظة هنا: أرسلها مجددًا بعد ساعة أو ساعتين، أو غدًا.",
			"contact.write.full":       "لدى {name} رسائل تكفي يومًا كاملًا في الانتظار، لذا لم تنضم رسالتك إلى الدور. لم يُرسل شيء. رسالتك محفوظة في هذه الصفحة: اضغط الزر مجددًا بعد ساعة أو ساعتين — يعمل هذا الرابط يومين بعد كتابتك.",
			"console.outreach.held":    "محجوبة (الدور ممتلئ)",
			"console.outreach.explain": "في الانتظار: رسائل مقررة لساعة لاحقة. محجوبة: رسائل رُدّت لأن رسائل يوم كامل كانت تنتظر؛ وطُلب من صاحبها المحاولة لاحقًا.",
		},
		"he": {
			"contact.write.err.full":   "אצל {name} כבר ממתינים מכתבים של יום שלם, ולכן המכתב שלכם לא יכול להצטרף לתור כרגע. ההודעה שלכם נשמרת כאן: שלחו אותה שוב בעוד שעה או שעתיים, או מחר.",
			"contact.write.full":       "אצל {name} כבר ממתינים מכתבים של יום שלם, ולכן המכתב שלכם לא הצטרף לתור. דבר לא נשלח. ההודעה שלכם נשמרת בעמוד הזה: לחצו שוב על הכפתור בעוד שעה או שעתיים — הקישור פועל יומיים אחרי שכתבתם.",
			"console.outreach.held":    "נדחו (התור מלא)",
			"console.outreach.explain": "ממתינים: מכתבים שנקבעו לשעה מאוחרת יותר. נדחו: מכתבים שלא התקבלו כי כבר המתינו מכתבים של יום שלם; התבקשו לנסות שוב מאוחר יותר.",
		},
	})
}
