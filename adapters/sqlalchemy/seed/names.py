"""The words demo data is made of: a few hundred first and last names, so that a search
for a common name finds many users and a rare one a few, and short texts for posts and
comments. Plain ASCII letters only: none of them contains a digit, '_', '@' or a space."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
    Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily
    Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa
    Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia
    Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry
    Pamela Justin Emma Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory
    Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine
    Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce
    Henry Virginia Douglas Victoria Zachary Kelly Peter Lauren Kyle Christina Ethan Joan
    Walter Evelyn Noah Judith Jeremy Megan Christian Andrea Keith Cheryl Roger Hannah Terry
    Jacqueline Gerald Martha Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison
    Lawrence Frances Dylan Kathryn Jesse Janice Jordan Jean Bryan Abigail Billy Alice Joe
    Judy Bruce Sophia Gabriel Grace Logan Denise Albert Amber Willie Doris Alan Marilyn Juan
    Danielle Wayne Beverly Elijah Isabella Randy Theresa Roy Diana Vincent Natalie Ralph
    Brittany Eugene Charlotte Russell Marie Bobby Kayla Mason Alexis Philip Lori Louis Aiko
    Mateo Sofia Lucas Chloe Hugo Ingrid Lars Astrid Kenji Yuki Ravi Priya Omar Leila Tomas
    Elena Pablo Lucia Marco Giulia Felix Clara Anton Mila
    """
)

LAST_NAMES = _words(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
    Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
    White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
    Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
    Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
    Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed
    Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray
    Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
    Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales
    Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds
    Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar
    Stevens Murray Ford Castro Marshall Owens Harrison Fernandez Mcdonald Woods Washington
    Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
    Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer
    Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza
    Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley
    Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott
    Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry
    Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence
    Sandoval Tanaka Suzuki Sato Novak Kowalski Larsen Berg Rossi Bianchi
    """
)

TITLE_WORDS = _words(
    """
    notes thoughts morning evening garden city river mountain coffee books music travel
    kitchen code design weekend winter summer autumn spring small quiet long first last
    letters journal sketches recipes photos questions answers ideas lessons stories
    """
)

SENTENCES: tuple[str, ...] = (
    "A short walk before breakfast changed the whole day.",
    "Trying a new recipe tonight, wish me luck.",
    "Some thoughts on reading slowly and remembering more.",
    "The train was late again, so I finished the chapter.",
    "Planted tomatoes, basil and far too many peppers.",
    "What I learned from rewriting the same page ten times.",
    "Rain all week; perfect for sorting old photos.",
    "A list of small things that made this month better.",
    "Notes from a long conversation with an old friend.",
    "Why I keep a paper notebook next to the keyboard.",
    "The best bread is the one you bake yourself.",
    "A quiet evening, a good album, no screens.",
)

COMMENTS: tuple[str, ...] = (
    "Great post, thanks!",
    "I had the same experience.",
    "Love this.",
    "Could you write more about it?",
    "Well said.",
    "This made my day.",
    "Interesting, I never thought of it that way.",
    "Bookmarked.",
)
