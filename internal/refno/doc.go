// Package refno makes and checks complaint reference numbers.
//
// A reference number is what a citizen writes down, reads back to an agent
// over a noisy phone line, or types into the portal, so it is digits only and
// carries its own check. It is the two-digit year of registration, the
// complaint's sequence number zero-padded to nine digits, and one Verhoeff
// check digit: twelve digits in all, read aloud in groups of four
// ("2600 0001 2345"). A sequence beyond 999,999,999 simply takes more digits;
// the whole number never exceeds 16 digits (so the sequence is capped at 13
// digits), and Make refuses anything longer rather than produce a number that
// Check would reject.
//
// Verhoeff's scheme is used rather than a mod-10 or mod-11 sum because it
// catches every single-digit error and every swap of two adjacent digits —
// the two mistakes people make when copying or dictating numbers — without
// ever needing a non-digit check character.
//
// Input from people is normalised before it is checked: spaces and hyphens are
// dropped and Devanagari digits (०–९) read as 0–9, so "2600-0001-2345",
// "2600 0001 2345" and the Hindi-keyboard form are one reference.
package refno
