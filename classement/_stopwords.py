"""French and English stop words, lowercase and accent-folded.

Kept as data here rather than downloaded: the package must work offline.
Domain words ("ia", "ai", "donnees") are deliberately NOT stop words.
"""

from __future__ import annotations

_FRENCH = """
a afin aient ainsi alors apres as assez au aucun aucune aupres auquel aura aurai auraient
aurais aurait auras aurez auriez aurions aurons auront aussi autre autres aux auxquelles auxquels
avaient avais avait avant avec avez aviez avions avoir avons ayant ayez ayons bon c ca car ce ceci
cela celle celles celui cependant certain certaine certaines certains ces cet cette ceux chacun
chacune chaque chez ci comme comment contre d dans de deja depuis des desormais dessous dessus
deux devant doit doivent donc dont du durant e elle elles en encore entre es est et etaient etais
etait etant ete etes etiez etions etre eu eue eues eurent eus eusse eut eux fait faire fois font
fur furent fus fut ici il ils j je jusqu jusque l la le les leur leurs lors lorsque lui m ma mais
me meme memes mes moi moins mon n ne ni non nos notre nous on ont or ou ou par parce parmi pas
peu peut peuvent plupart plus plusieurs pour pourquoi pourrait pu puis qu quand que quel quelle
quelles quels qui quoi s sa sans se selon sera serai seraient serait seras serez seriez serions
serons seront ses si sien sienne soi soient sois soit sommes son sont sous soyez soyons suis sur
t ta tandis te tel telle telles tels tes toi ton tous tout toute toutes tres trop tu un une unes
uns vers via voici voila vont vos votre vous vu y dont celle-ci celui-ci selon cette ceux-ci
egalement notamment ailleurs toujours jamais deja tant autant tandis lequel laquelle lesquels
lesquelles duquel desquels desquelles
"""

_ENGLISH = """
a about above after again against all am an and any are aren as at be because been before being
below between both but by can cannot could couldn did didn do does doesn doing don down during each
few for from further had hadn has hasn have haven having he her here hers herself him himself his
how i if in into is isn it its itself just let ll me more most mustn my myself no nor not now of off
on once only or other ought our ours ourselves out over own re same shan she should shouldn so some
such than that the their theirs them themselves then there these they this those through to too
under until up ve very was wasn we were weren what when where which while who whom why will with
won would wouldn you your yours yourself yourselves also may might must shall us via per since
yet however although though whether within without upon among amongst across along around
"""

STOP_WORDS: frozenset[str] = frozenset((_FRENCH + _ENGLISH).split())
