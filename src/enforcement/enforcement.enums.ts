/** The measures of the IGJ handhavingskader and of Flemish practice (docs/enforcement.md, docs/glossary.md). */
export enum EnforcementType {
  NORMOVERDRAGEND_GESPREK = 'NORMOVERDRAGEND_GESPREK',
  VERSCHERPT_TOEZICHT = 'VERSCHERPT_TOEZICHT',
  AANWIJZING = 'AANWIJZING',
  BEVEL = 'BEVEL',
  LAST_ONDER_DWANGSOM = 'LAST_ONDER_DWANGSOM',
  BESTUURLIJKE_BOETE = 'BESTUURLIJKE_BOETE',
  TUCHTKLACHT = 'TUCHTKLACHT',
  AANGIFTE = 'AANGIFTE',
  VEILIGHEIDSMAATREGEL = 'VEILIGHEIDSMAATREGEL',
}

/** Where a measure stands. LAPSED is never stored: it is an ACTIVE measure past its `validUntil` (a BEVEL after 7 days). */
export enum EnforcementStatus {
  ACTIVE = 'ACTIVE',
  COMPLIED = 'COMPLIED',
  WITHDRAWN = 'WITHDRAWN',
  LAPSED = 'LAPSED',
}
