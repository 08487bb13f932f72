// Section names in Spanish, for a conversation held in Spanish. Venues name
// their sections with a handful of seat-map words ("Section 101 (Lower
// Level)", "Front Mezzanine", "Standing"); a Spanish-speaking clerk says them
// in Spanish ("Seccion 101 (Nivel inferior)", "Mezzanine delantero", "De
// pie"), while a name of its own ("Pit", "Field Club") stays as it is. Longer
// phrases come first. No á, í, ó, ú: they would make an SMS UCS-2.
const SEAT_MAP_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bGeneral Admission Floor\b/gi, 'Pista, admision general'],
  [/\bGeneral Admission\b/gi, 'Admision general'],
  [/\bLower (?:Level|Bowl)\b/gi, 'Nivel inferior'],
  [/\bUpper (?:Level|Bowl)\b/gi, 'Nivel superior'],
  [/\bPremier Level\b/gi, 'Nivel Premier'],
  [/\bGlass Seats\b/gi, 'Junto al cristal'],
  [/\bDance Floor\b/gi, 'Pista de baile'],
  [/\bFloor\b/gi, 'Pista'],
  [/\bStanding(?: Room)?\b/gi, 'De pie'],
  [/\bPremium Orchestra\b/gi, 'Platea premium'],
  [/\bOrchestra\b/gi, 'Platea'],
  [/\bBox Seats\b/gi, 'Palcos'],
  [/\bFront Mezzanine\b/gi, 'Mezzanine delantero'],
  [/\bRear Mezzanine\b/gi, 'Mezzanine trasero'],
  [/\bFirst Balcony\b/gi, 'Primer balcon'],
  [/\bBalcony\b/gi, 'Balcon'],
  [/\bVIP Front Seats\b/gi, 'VIP al frente'],
  [/\bVIP Lounge\b/gi, 'Salon VIP'],
  [/\bSupporters End\b/gi, 'Zona de la barra'],
  [/\bCorner\b/gi, 'Esquina'],
  [/\bCourtside\b/gi, 'Junto a la cancha'],
  [/\bMidfield Sideline\b/gi, 'Media cancha'],
  [/\bPremier Club\b/gi, 'Club Premier'],
  [/\bSection\b/gi, 'Seccion'],
];

/** "Section 101 (Lower Level)" → "Seccion 101 (Nivel inferior)". */
export function spanishSectionName(name: string): string {
  return SEAT_MAP_WORDS.reduce((said, [english, spanish]) => said.replace(english, spanish), name);
}
