"""Static demo content: the Faculty of Science minors (exact numbers from the seed page
"Course and exam enrolment", leiden-science-course-and-exam-enrolment.txt) and programme course
lists. Titles are realistic Leiden Faculty of Science courses."""

from __future__ import annotations

# (class number, catalogue number, title, minor type, EC, parts[(class, catalogue, title, EC)])
MINORS: list[tuple[str, str, str, str, float, list[tuple[str, str, str, float]]]] = [
    ("1047", "4000MBIODN", "Biodiversity", "leiden", 30, []),
    ("1048", "4000MCOADN", "Computational approach to Disease, Signalling and Drug Targets",
     "selection", 30, [
         ("1049", "4000KCAD1N",
          "Part 1 of Computational approach to Disease, Signalling and Drug Targets", 15),
         ("1050", "4000KCAD2N",
          "Part 2 of Computational approach to Disease, Signalling and Drug Targets", 15),
     ]),
    ("1051", "4000MCSGEN", "Cyber Security Governance Essentials", "leiden", 30, []),
    ("1052", "4000MDSAIN", "Data Science and Artificial Intelligence", "leiden", 30, []),
    ("1053", "4000MHUEVN", "Human Evolution", "leiden", 30, []),
    ("1054", "4000MMODDN", "Modern Drug Discovery", "selection", 30, []),
    ("1055", "4000MMBION", "Molecular Biotechnology", "selection", 30, []),
    ("1056", "4000MQBION", "Quantitative Biology", "leiden", 30, [
        ("1057", "4000KBITN", "Quantitative Biology 15EC", 15),
    ]),
    ("1058", "4000MSCBIN", "Science, Business and Innovation", "leiden", 30, [
        ("1059", "4000KSBI1N", "Science, Business and Innovation: Management Courses", 15),
        ("1060", "4000KSBI2N", "Science, Business and Innovation: Entrepreneurship Courses", 15),
    ]),
    ("1061", "4000MDONTN", "Sustainable Development", "leiden", 30, []),
    ("1078", "4000MSCHBN", "Sustainable Chemistry and Biotechnology", "selection", 30, []),
]

# LDE minors (type "lde"): the seed lists them as coming ("LDE minors are a cooperation between
# Leiden, Delft en Rotterdam. <more information follows>"), without titles, so the demo offers
# them from the next academic year (registration 3-31 May, with the EUR/TUD minors). The titles
# are joint Leiden-Delft-Erasmus minors as their universities publish them: Responsible
# Innovation with its Leiden prospectus number and study activity (5000MREIN, 1046); African
# Dynamics and Frugal Innovation for Sustainable Global Development have demo numbers (5000M…,
# 1062-1063, free in the demo).
LDE_MINORS: list[tuple[str, str, str, str, float, list[tuple[str, str, str, float]]]] = [
    ("1046", "5000MREIN", "Responsible Innovation", "lde", 30, []),
    ("1062", "5000MAFDYN", "African Dynamics", "lde", 30, []),
    ("1063", "5000MFRUGN", "Frugal Innovation for Sustainable Global Development", "lde", 30,
     []),
]

# code, name, degree, catalogue prefix, course titles (title, EC, level)
PROGRAMMES: list[tuple[str, str, str, str, list[tuple[str, float, int]]]] = [
    ("BSC-CS", "Computer Science", "bachelor", "4031", [
        ("Programming and Data Structures", 6, 100), ("Imperative Programming", 6, 100),
        ("Computer Architecture", 6, 100), ("Linear Algebra for Computer Scientists", 6, 100),
        ("Algorithms and Data Structures", 6, 200), ("Databases", 6, 200),
        ("Concepts of Programming Languages", 6, 200), ("Operating Systems", 6, 200),
        ("Automata and Complexity Theory", 6, 200), ("Software Engineering", 6, 200),
        ("Artificial Intelligence", 6, 200), ("Computer Networks", 6, 300),
        ("Introduction to Machine Learning", 6, 300), ("Compiler Construction", 6, 300),
        ("Human Computer Interaction", 6, 300), ("Bachelor Project Computer Science", 12, 300),
    ]),
    ("MSC-ICTIB", "ICT in Business and the Public Sector", "master", "4343", [
        ("IT Governance", 6, 500), ("Digital Business Process Management", 6, 500),
        ("ICT and Public Policy", 6, 500), ("Information Management", 6, 500),
        ("Data-driven Decision Making", 6, 500), ("Enterprise Architecture", 6, 500),
        ("IT Project Management", 6, 500), ("Digital Transformation", 6, 500),
        ("E-Government", 6, 500), ("Business Intelligence", 6, 500),
        ("Research Methods for ICT in Business", 6, 500), ("Strategic IT Sourcing", 6, 500),
        ("Cyber Security Management", 6, 500), ("Legal Aspects of ICT", 3, 500),
        ("Innovation Management", 6, 500), ("Master Thesis ICT in Business", 30, 600),
    ]),
    ("MSC-MT", "Media Technology", "master", "4413", [
        ("Creative Research", 6, 500), ("Media Technology Principles", 6, 500),
        ("New Media, New Technologies", 6, 500), ("Sound, Space and Interaction", 6, 500),
        ("Hacking Hardware", 6, 500), ("Perception", 6, 500), ("Game Design", 6, 500),
        ("Data Visualization", 6, 500), ("Interactive Storytelling", 6, 500),
        ("Generative Art", 6, 500), ("The Art of Science", 6, 500),
        ("Physical Computing", 6, 500), ("Cognitive Psychology for Media", 6, 500),
        ("Audio Programming", 6, 500), ("Science Fiction and Technology", 3, 500),
        ("Media Technology Graduation Project", 30, 600),
    ]),
    ("BSC-MATH", "Mathematics", "bachelor", "4081", [
        ("Analysis 1", 6, 100), ("Linear Algebra 1", 6, 100), ("Mathematical Structures", 6, 100),
        ("Probability Theory", 6, 100), ("Analysis 2", 6, 200), ("Linear Algebra 2", 6, 200),
        ("Algebra 1", 6, 200), ("Complex Analysis", 6, 200), ("Statistics", 6, 200),
        ("Topology", 6, 200), ("Numerical Mathematics", 6, 200),
        ("Ordinary Differential Equations", 6, 200), ("Algebra 2", 6, 300),
        ("Measure and Integration", 6, 300), ("Number Theory", 6, 300),
        ("Bachelor Thesis Mathematics", 15, 300),
    ]),
    ("BSC-PHYS", "Physics", "bachelor", "4402", [
        ("Classical Mechanics A", 6, 100), ("Electricity and Magnetism", 6, 100),
        ("Mathematics for Physicists 1", 6, 100), ("Physics Lab 1", 6, 100),
        ("Quantum Mechanics 1", 6, 200), ("Thermal Physics", 6, 200), ("Optics", 6, 200),
        ("Special Relativity", 3, 200), ("Classical Mechanics B", 6, 200),
        ("Quantum Mechanics 2", 6, 300), ("Statistical Physics", 6, 300),
        ("Solid State Physics", 6, 300), ("Nuclear and Particle Physics", 6, 300),
        ("Electrodynamics", 6, 300), ("Computational Physics", 6, 300),
        ("Bachelor Research Project Physics", 18, 300),
    ]),
    ("BSC-BIO", "Biology", "bachelor", "4201", [
        ("Cell Biology", 5, 100), ("Evolution and Biodiversity", 5, 100),
        ("Genetics", 5, 100), ("Ecology", 5, 100), ("Biochemistry", 5, 100),
        ("Microbiology", 5, 200), ("Plant Physiology", 5, 200), ("Animal Physiology", 5, 200),
        ("Developmental Biology", 5, 200), ("Molecular Biology", 5, 200),
        ("Biostatistics", 5, 200), ("Immunology", 5, 300), ("Behavioural Biology", 5, 300),
        ("Bioinformatics", 5, 300), ("Neurobiology", 5, 300),
        ("Bachelor Research Biology", 15, 300),
    ]),
    ("BSC-ASTRO", "Astronomy", "bachelor", "4103", [
        ("Introduction to Astrophysics", 6, 100), ("Astronomical Observing Techniques", 6, 100),
        ("Programming for Astronomers", 6, 100), ("Stars", 6, 200), ("Galaxies", 6, 200),
        ("Radiative Processes", 6, 200), ("Cosmology", 6, 300), ("Planetary Systems", 6, 300),
        ("Astronomical Data Analysis", 6, 200), ("Interstellar Medium", 6, 300),
        ("High Energy Astrophysics", 6, 300), ("Star and Planet Formation", 6, 300),
        ("Dynamics of Galaxies", 6, 300), ("Astronomical Instrumentation", 6, 300),
        ("Observational Astronomy Project", 6, 200),
        ("Bachelor Research Project Astronomy", 18, 300),
    ]),
    ("MSC-STAT", "Statistical Science", "master", "4473", [
        ("Statistical Learning", 6, 500), ("Bayesian Statistics", 6, 500),
        ("Linear and Generalized Linear Models", 6, 500), ("Survival Analysis", 6, 500),
        ("Missing Data", 6, 500), ("Mixed and Longitudinal Modelling", 6, 500),
        ("Causal Inference", 6, 500), ("High-dimensional Data Analysis", 6, 500),
        ("Statistical Computing with R", 6, 500), ("Time Series Analysis", 6, 500),
        ("Design of Experiments", 6, 500), ("Multivariate Analysis", 6, 500),
        ("Statistical Consulting", 6, 500), ("Data Science Ethics", 3, 500),
        ("Statistical Genetics", 6, 500), ("Master Thesis Statistical Science", 30, 600),
    ]),
]

INSTRUCTORS = [
    "Dr. A.W. Laarman", "Prof.dr. H.H. Hoos", "Dr. M.M. Bonsangue", "Dr. K.F.D. Rietveld",
    "Prof.dr. J.N. Kok", "Dr. E.M. Bakker", "Dr. M. Baratchi", "Dr. J.N. van Rijn",
    "Dr. P. van der Putten", "Dr. E. Verbeek", "Prof.dr. F. Spieksma", "Dr. S.C. Hille",
    "Dr. R. de Jong", "Prof.dr. A.J. Koning", "Dr. M.F.E. de Jeu", "Dr. A. Doelman",
    "Prof.dr. C.W.J. Beenakker", "Dr. M.P. van Exter", "Dr. W. Löffler", "Dr. T. Schmidt",
    "Prof.dr. M.K. Richardson", "Dr. S.A. Wright", "Dr. J. Brinchmann", "Prof.dr. H. Linnartz",
    "Dr. M. Fiocco", "Prof.dr. J.J. Goeman", "Dr. S. le Cessie", "Dr. T. van Erven",
    "Dr. M. van Leeuwen", "Prof.dr. T. Bäck",
]

ROOMS = [
    "Gorlaeus BW.0.20", "Gorlaeus BW.0.28", "Snellius 174", "Snellius 408/409",
    "Huygens 106-109", "Huygens 211", "Oort 211", "De Sitter (Oort)", "Havingazaal (Gorlaeus)",
    "Sylvius 1.4.10", "Kamerlingh Onnes C1", "Pieter de la Court 0A27",
]
EXAM_ROOMS = ["USC Sportzaal", "Gorlaeus Lecture Hall 1", "Lipsius 011", "Kamerlingh Onnes A1.44"]

SLOTS = [("09:00", "10:45"), ("11:00", "12:45"), ("13:45", "15:30"), ("15:45", "17:30")]

FIRST_NAMES = ["Anna", "Bram", "Chloé", "Daan", "Emma", "Fenna", "Gijs", "Hanna", "Ilse",
               "Jesse", "Kiki", "Lars", "Mila", "Noah", "Olivia", "Pim", "Roos", "Sem", "Tess",
               "Vera", "Wout", "Yara", "Zoë", "Luca", "Mei", "Omar", "Priya", "Jakub"]
LAST_NAMES = ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
              "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
              "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok",
              "Nguyen", "Yilmaz", "Kowalski"]
