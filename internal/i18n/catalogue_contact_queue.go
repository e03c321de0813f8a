package i18n

// Strings of the console's word on a decision-maker's queue (dripfair):
// a queue longer than the day it may hold, which turns every new letter
// away until it is within a day, and a queue one email domain holds most
// of, which the fair-share rule (store.DomainOverShare) keeps at half;
// and the supporter's word when that rule turns their letter away.
func init() {
	extend(map[string]map[string]string{
		"en": {
			"contact.write.share":           "{name} already has many letters waiting from addresses at the same email domain as yours, so yours could not join the queue. Nothing was sent. Your message is kept on this page: press the button again in an hour or two — this link works for two days after you wrote.",
			"console.outreach.queue.long":   "{name} has {length} of letters waiting, until {when}: longer than the one day a queue may hold. Every new letter to {name} is turned away until the queue is within a day, in about {wait}; supporters are asked to try again later. Nothing already queued is lost, and there is nothing you must do. Raising per_hour does not send the waiting letters sooner; meanwhile you may point supporters to another way to reach {name}, such as a call.",
			"console.outreach.queue.domain": "{n} of the {total} letters waiting for {name} come from addresses at one email domain. Once a queue is half full, one domain may take at most half of it, so other supporters still get through. If your supporters do not mostly use one big provider (such as gmail.com), this may be one person writing under many addresses: tell your Placard administrator, and do not raise per_hour for it.",
		},
		"fr": {
			"contact.write.share":           "{name} a déjà beaucoup de lettres en attente venant d'adresses du même domaine de messagerie que la vôtre : la vôtre n'a pas pu rejoindre la file. Rien n'a été envoyé. Votre message est conservé sur cette page : appuyez de nouveau sur le bouton dans une heure ou deux — ce lien fonctionne deux jours après votre envoi.",
			"console.outreach.queue.long":   "{name} a {length} de lettres en attente, jusqu'au {when} : plus que la journée qu'une file peut contenir. Toute nouvelle lettre à {name} est refusée jusqu'à ce que la file revienne sous une journée, dans environ {wait} ; on demande aux personnes de réessayer plus tard. Rien de ce qui est déjà en file n'est perdu, et vous n'avez rien à faire. Augmenter per_hour n'envoie pas plus tôt les lettres en attente ; en attendant, vous pouvez proposer un autre moyen de joindre {name}, par exemple un appel.",
			"console.outreach.queue.domain": "{n} des {total} lettres en attente pour {name} viennent d'adresses d'un même domaine de messagerie. Dès qu'une file est à moitié pleine, un domaine ne peut en occuper que la moitié au plus, pour que les autres personnes passent toujours. Si vos soutiens n'utilisent pas surtout un grand fournisseur (comme gmail.com), il peut s'agir d'une seule personne écrivant sous de nombreuses adresses : prévenez votre administrateur Placard, et n'augmentez pas per_hour pour autant.",
		},
		"de": {
			"contact.write.share":           "Für {name} warten bereits viele Briefe von Adressen derselben E-Mail-Domain wie Ihrer, daher konnte Ihrer nicht in die Warteschlange. Nichts wurde gesendet. Ihre Nachricht bleibt auf dieser Seite: Drücken Sie in ein, zwei Stunden erneut auf den Knopf — dieser Link gilt zwei Tage nach dem Schreiben.",
			"console.outreach.queue.long":   "Für {name} warten Briefe für {length}, bis {when}: länger als der eine Tag, den eine Warteschlange fassen darf. Jeder neue Brief an {name} wird abgewiesen, bis die Warteschlange wieder unter einem Tag liegt, in etwa {wait}; die Personen werden gebeten, es später erneut zu versuchen. Nichts bereits Eingereihtes geht verloren, und Sie müssen nichts tun. Ein höheres per_hour sendet die wartenden Briefe nicht früher; bis dahin können Sie auf einen anderen Weg zu {name} hinweisen, etwa einen Anruf.",
			"console.outreach.queue.domain": "{n} der {total} Briefe, die auf {name} warten, kommen von Adressen einer einzigen E-Mail-Domain. Sobald eine Warteschlange halb voll ist, darf eine Domain höchstens die Hälfte davon belegen, damit andere Unterstützende weiter durchkommen. Nutzen Ihre Unterstützenden nicht überwiegend einen großen Anbieter (etwa gmail.com), schreibt hier vielleicht eine Person unter vielen Adressen: Sagen Sie es Ihrer Placard-Administration und erhöhen Sie per_hour deswegen nicht.",
		},
		"es": {
			"contact.write.share":           "{name} ya tiene muchas cartas en espera de direcciones del mismo dominio de correo que la tuya, así que la tuya no pudo entrar en la cola. No se envió nada. Tu mensaje se guarda en esta página: pulsa el botón de nuevo en una o dos horas; este enlace funciona dos días después de que escribiste.",
			"console.outreach.queue.long":   "{name} tiene {length} de cartas en espera, hasta el {when}: más que el día que puede contener una cola. Toda carta nueva a {name} se rechaza hasta que la cola baje de un día, en unas {wait}; se pide a las personas que lo intenten más tarde. Nada de lo que ya está en cola se pierde, y no tienes que hacer nada. Subir per_hour no envía antes las cartas en espera; mientras tanto puedes indicar otra forma de llegar a {name}, como una llamada.",
			"console.outreach.queue.domain": "{n} de las {total} cartas en espera para {name} vienen de direcciones de un mismo dominio de correo. Cuando una cola está medio llena, un dominio puede ocupar como mucho la mitad, para que el resto de personas siga pasando. Si tus apoyos no usan sobre todo un gran proveedor (como gmail.com), puede ser una sola persona escribiendo con muchas direcciones: avisa a tu administración de Placard y no subas per_hour por ello.",
		},
		"ar": {
			"contact.write.share":           "لدى {name} رسائل كثيرة تنتظر من عناوين في نطاق البريد نفسه الذي لعنوانك، لذا لم تنضم رسالتك إلى الدور. لم يُرسل شيء. رسالتك محفوظة في هذه الصفحة: اضغط الزر مجددًا بعد ساعة أو ساعتين — يعمل هذا الرابط يومين بعد كتابتك.",
			"console.outreach.queue.long":   "لدى {name} رسائل تنتظر لمدة {length}، حتى {when}: أطول من اليوم الواحد الذي يتسع له الدور. تُرد كل رسالة جديدة إلى {name} حتى يعود الدور إلى أقل من يوم، بعد نحو {wait}؛ ويُطلب من أصحابها المحاولة لاحقًا. لا يضيع شيء مما في الدور، ولا يلزمك فعل شيء. رفع per_hour لا يرسل الرسائل المنتظرة أسرع؛ ويمكنك في الأثناء أن تدل المؤيدين على طريقة أخرى للوصول إلى {name}، كالاتصال.",
			"console.outreach.queue.domain": "{n} من أصل {total} رسالة تنتظر {name} تأتي من عناوين في نطاق بريد واحد. متى امتلأ الدور إلى نصفه، لا يأخذ نطاق واحد أكثر من نصفه، كي يظل المؤيدون الآخرون يمرّون. إن لم يكن معظم مؤيديك على مزوّد كبير واحد (مثل gmail.com)، فقد يكون هذا شخصًا واحدًا يكتب بعناوين كثيرة: أخبر مسؤول Placard لديك، ولا ترفع per_hour لأجل ذلك.",
		},
		"he": {
			"contact.write.share":           "אצל {name} כבר ממתינים מכתבים רבים מכתובות באותו דומיין דואר כמו שלכם, ולכן המכתב שלכם לא הצטרף לתור. דבר לא נשלח. ההודעה שלכם נשמרת בעמוד הזה: לחצו שוב על הכפתור בעוד שעה או שעתיים — הקישור פועל יומיים אחרי שכתבתם.",
			"console.outreach.queue.long":   "אצל {name} ממתינים מכתבים ל־{length}, עד {when}: יותר מהיום האחד שתור יכול להכיל. כל מכתב חדש אל {name} נדחה עד שהתור יחזור לפחות מיום, בעוד כ־{wait}; הכותבים מתבקשים לנסות שוב מאוחר יותר. שום דבר שכבר בתור לא הולך לאיבוד, ואין צורך לעשות דבר. העלאת per_hour לא תשלח את המכתבים הממתינים מוקדם יותר; בינתיים אפשר להפנות תומכים לדרך אחרת להגיע אל {name}, למשל שיחת טלפון.",
			"console.outreach.queue.domain": "{n} מתוך {total} המכתבים הממתינים אל {name} מגיעים מכתובות בדומיין דואר אחד. כשהתור מלא עד חציו, דומיין אחד יכול לתפוס לכל היותר חצי ממנו, כדי שתומכים אחרים ימשיכו לעבור. אם רוב התומכים שלכם אינם משתמשים בספק גדול אחד (כמו gmail.com), ייתכן שזה אדם אחד שכותב מכתובות רבות: ספרו למנהל Placard שלכם, ואל תעלו את per_hour בגלל זה.",
		},
	})
}
