// Words customers write around what they want that name nothing on sale. A
// message whose other words the catalog does not know names something it
// does not have ("coldplay tickets"); these must not count as such. Nor are
// they hints of an event when its description happens to use them ("time").
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    'all also anything anywhere around about again after before good great nice awesome cool love really very just only ' +
    'going go come coming see watch take taking bring looking look find want wants wanted need needs got have has had ' +
    'know think thought wondering wonder hope hoping tell send text reply asap soon possible left right front back ' +
    'seats seat tickets ticket tix please thank thanks guys folks people person family friends friend kids kid wife husband ' +
    'son daughter mom dad birthday anniversary date night day time times week weekend month year tonight tomorrow today ' +
    'mondays tuesdays wednesdays thursdays fridays saturdays sundays ' +
    'price prices much cost cheap cheaper cheapest expensive money budget dollars bucks total each per ' +
    'bot box office hey hello hiya yes yeah yep nope okay sure maybe probably actually also still some any many more less ' +
    'lol omg wow yay pls plz thx haha hahaha lmk idk tbh btw fyi asap ' +
    'game show concert event match gig tour live play musical party home away team fan fans big huge thing things stuff ' +
    'seating section level floor row rows standing sit sitting together next near close closer best ' +
    'who what when where which how why with without for from into onto over under than then there their they them ' +
    'this that these those here and but not can could would should will shall may might must does did doing done ' +
    'start starts starting begin doors open running run runs hours hour minutes with one two full host hosts before ' +
    'get getting buy buying book booking grab reserve order ordered pay paying paid card link ' +
    // What Spanish keeps after its gloss into English (dialogs/spanish.ts): articles and joiners.
    'el la los las lo de del al a que es se nos le les su sus o u ' +
    'lunes martes miercoles jueves viernes sabado domingo manana noche tarde hoy'
  ).split(' '),
);
