package demo

// villageNames are common village names of the Gangetic plain, used for the
// generated villages (English, Hindi).
var villageNames = [][2]string{
	{"Rampur", "रामपुर"}, {"Shivpur", "शिवपुर"}, {"Madhopur", "माधोपुर"}, {"Sultanpur", "सुल्तानपुर"},
	{"Bhawanipur", "भवानीपुर"}, {"Kishanpur", "किशनपुर"}, {"Govindpur", "गोविंदपुर"}, {"Chandpur", "चांदपुर"},
	{"Harihar Pur", "हरिहरपुर"}, {"Nawada", "नवादा"}, {"Lalpur", "लालपुर"}, {"Sarai", "सराय"},
	{"Bhagwanpur", "भगवानपुर"}, {"Dhanipur", "धनीपुर"}, {"Gopalpur", "गोपालपुर"}, {"Khairabad", "खैराबाद"},
	{"Mohammadpur", "मोहम्मदपुर"}, {"Narayanpur", "नारायणपुर"}, {"Pipri", "पिपरी"}, {"Rasulpur", "रसूलपुर"},
	{"Sikandarpur", "सिकंदरपुर"}, {"Tikri", "टिकरी"}, {"Bhelupur", "भेलूपुर"}, {"Devipur", "देवीपुर"},
	{"Gangapur", "गंगापुर"}, {"Jamalpur", "जमालपुर"}, {"Kamalpur", "कमलपुर"}, {"Mirpur", "मीरपुर"},
	{"Parsa", "परसा"}, {"Semra", "सेमरा"}, {"Barauli", "बरौली"}, {"Kusumi", "कुसुमी"},
}

// officerFirst and officerLast make generated officer names.
var officerFirst = []string{"Rajesh", "Sunita", "Amit", "Priya", "Alok", "Neha", "Vivek", "Anjali", "Rakesh", "Pooja",
	"Sanjay", "Kavita", "Manoj", "Rekha", "Arvind", "Shalini", "Deepak", "Meena", "Ashok", "Nidhi", "Irfan", "Farah",
	"Harpreet", "Gurpreet", "Ravi", "Seema", "Anil", "Geeta", "Vinod", "Shabnam"}

var officerLast = []string{"Kumar", "Singh", "Yadav", "Verma", "Srivastava", "Mishra", "Tiwari", "Pandey", "Gupta",
	"Shukla", "Chauhan", "Maurya", "Khan", "Siddiqui", "Tripathi", "Dubey", "Rawat", "Saxena", "Nigam", "Ansari"}
